// Placeholder until the host lands: the Server helper replaces this file.
return 0;
