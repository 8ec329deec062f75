-- Instances silent for long (replaced pods, restarted processes) are forgotten.
GRANT DELETE ON heartbeats TO {{role}};
