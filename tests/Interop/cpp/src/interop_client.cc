// A client of notify.v1.Notifier on Debian's libgrpc++ (a gRPC implementation nobody here wrote).
// Usage: interop_client --host 127.0.0.1 --port P [--cases a,b,...]
// Prints "PASS <case>" / "FAIL <case>: <reason>" per case and "<passed> passed, <failed> failed"; exits 0 iff all pass.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "broker_context.h"

namespace {

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::vector<std::string> cases;
};

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << error << "\nusage: interop_client --host H --port P [--cases a,b,...]\n";
  std::exit(2);
}

std::vector<std::string> SplitCommaList(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      Usage("missing value for " + flag);
    }
    if (flag == "--host") {
      args.host = value;
    } else if (flag == "--port") {
      args.port = std::atoi(value.c_str());
    } else if (flag == "--cases") {
      args.cases = SplitCommaList(value);
    } else {
      Usage("unknown argument " + flag);
    }
  }
  if (args.port <= 0) Usage("--port P is required");
  return args;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);

  interop::CaseList all;
  for (auto list : {interop::ServiceCases(), interop::NotifierCases(), interop::ErrorCases(), interop::CompressionCases(),
                    interop::StreamEndCases()}) {
    all.insert(all.end(), list.begin(), list.end());
  }
  std::vector<const interop::CaseList::value_type*> selected;
  if (args.cases.empty()) {
    for (const auto& entry : all) selected.push_back(&entry);
  } else {
    for (const auto& name : args.cases) {
      const interop::CaseList::value_type* found = nullptr;
      for (const auto& entry : all) {
        if (entry.first == name) found = &entry;
      }
      if (found == nullptr) Usage("unknown case " + name);
      selected.push_back(found);
    }
  }

  interop::Context ctx = interop::Connect(args.host, args.port);

  int passed = 0;
  int failed = 0;
  for (const auto* entry : selected) {
    try {
      entry->second(ctx);
      ++passed;
      std::cout << "PASS " << entry->first << std::endl;
    } catch (const std::exception& e) {
      ++failed;
      std::cout << "FAIL " << entry->first << ": " << OneLine(e.what()) << std::endl;
    }
  }
  std::cout << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}
