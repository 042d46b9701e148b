// Every migration, oldest first. Never edit one that has landed: add a new one.
import { InitialSchema1764000000000 } from "./1764000000000-initial-schema";
import { EngineState1764100000000 } from "./1764100000000-engine-state";

export const migrations = [InitialSchema1764000000000, EngineState1764100000000];
