import { defineHistoryScenarios } from "../support/history-scenarios";

defineHistoryScenarios("history on the embedded log", () => ({}));
