// ActivitySources and Meters are process-wide: every OpenTelemetry provider a test's host builds listens to the
// same "NotifyBroker.*" names. One test at a time keeps each test's receiver to its own host's telemetry.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
