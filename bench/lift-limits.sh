# Sourced by the benchmark scripts that start instances (bench/run.sh, bench/cluster-scale.sh): the load
# generator's few users and one loopback address post, react and connect far faster than people, so the per-user,
# per-address and per-connection rate limits are lifted. Nothing else: every check that costs work per write
# (the duplicate window, blocked and suspect words, pre-moderation lookups) stays as deployed, so the figures
# describe the defaults people run. Instances inherit the environment.
export Limits__RepliesPerWindow=1000000 Limits__ReactionsPerWindow=1000000 Limits__ChangesPerWindow=1000000 \
  Limits__ReportsPerWindow=1000000 Limits__ReadsPerWindow=1000000 Limits__ConnectionsPerWindow=1000000 \
  Limits__ConnectionsPerAddress=1000000 \
  Limits__HubInvocationBurst=1000000 Limits__HubInvocationsPerSecond=1000000 \
  Limits__ReplayBurst=1000000 Limits__ReplaysPerSecond=1000000 \
  Limits__AddressHubInvocationBurst=1000000 Limits__AddressHubInvocationsPerSecond=1000000 \
  Limits__AddressReplayBurst=1000000 Limits__AddressReplaysPerSecond=1000000
