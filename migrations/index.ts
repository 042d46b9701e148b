// Every migration, oldest first. Never edit one that has landed: add a new one.
import { InitialSchema1764000000000 } from "./1764000000000-initial-schema";
import { EngineState1764100000000 } from "./1764100000000-engine-state";
import { LogPartitions1764200000000 } from "./1764200000000-log-partitions";
import { PublishedKeys1764300000000 } from "./1764300000000-published-keys";
import { History1764400000000 } from "./1764400000000-history";
import { RetentionBrin1764500000000 } from "./1764500000000-retention-brin";
import { Notifications1764600000000 } from "./1764600000000-notifications";

export const migrations = [
  InitialSchema1764000000000,
  EngineState1764100000000,
  LogPartitions1764200000000,
  PublishedKeys1764300000000,
  History1764400000000,
  RetentionBrin1764500000000,
  Notifications1764600000000,
];
