// Each test class starts three nodes and a PostgreSQL server: on two cores, one cluster at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
