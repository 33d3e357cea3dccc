// Tests create their topics under a per-run prefix; this removes them afterwards so a shared
// broker does not collect a set of topics per CI run.
import { Kafka, logLevel } from 'kafkajs';

export async function deleteTopicsWithPrefix(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2000 }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch {
    // best effort: leftovers only cost broker disk
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
