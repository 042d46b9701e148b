// The history scenario, unchanged, with Kafka as the log.
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { defineHistoryScenarios } from "../support/history-scenarios";

const brokers = process.env.TEST_KAFKA_BROKERS;
if (brokers) {
  defineHistoryScenarios("history on Kafka", () => ({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: `test-${randomBytes(6).toString("hex")}-`,
    KAFKA_EVENT_PARTITIONS: "4",
  }));
} else {
  test("history on Kafka", { skip: process.env.TEST_KAFKA_SKIP_REASON ?? "no Kafka broker (run the tests with npm test)" }, () => {});
}
