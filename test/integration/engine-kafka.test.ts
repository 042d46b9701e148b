// The engine scenario, unchanged, with Kafka as the log (a fresh topic prefix, so runs never meet).
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { defineEngineScenarios } from "../support/engine-scenarios";

const brokers = process.env.TEST_KAFKA_BROKERS;
if (brokers) {
  defineEngineScenarios("engine on Kafka", () => ({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: `test-${randomBytes(6).toString("hex")}-`,
    KAFKA_EVENT_PARTITIONS: "4",
  }));
} else {
  test("engine on Kafka", { skip: process.env.TEST_KAFKA_SKIP_REASON ?? "no Kafka broker (run the tests with npm test)" }, () => {});
}
