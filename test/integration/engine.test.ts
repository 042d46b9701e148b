import { defineEngineScenarios } from "../support/engine-scenarios";

defineEngineScenarios("engine on the embedded log", () => ({}));
