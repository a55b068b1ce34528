// A Node process and a Chromium per test class, on two cores: one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
