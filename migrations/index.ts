// Every migration, oldest first. Never edit one that has landed: add a new one.
import { InitialSchema1764000000000 } from "./1764000000000-initial-schema";

export const migrations = [InitialSchema1764000000000];
