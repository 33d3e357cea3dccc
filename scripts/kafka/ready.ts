// Health check for the local broker, used by scripts/services.sh:
//   node scripts/kafka/ready.ts HOST:PORT [SECONDS]
// Exits 0 as soon as the broker answers a metadata request with itself in it, 1 if
// SECONDS (default 0: one try) pass first. An open port is not enough: a KRaft node
// listens well before its metadata is loaded and clients connecting then just hang.
import { Kafka, logLevel } from 'kafkajs';

const [broker = '127.0.0.1:19092', seconds = '0'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const kafka = new Kafka({
  clientId: 'edge-rtb-services-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
});

for (;;) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0) process.exit(0);
  } catch {
    // not up yet: try again until the deadline
  } finally {
    await admin.disconnect().catch(() => {});
  }
  if (Date.now() >= deadline) process.exit(1);
  await new Promise((resolve) => setTimeout(resolve, 250));
}
