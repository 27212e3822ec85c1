import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Apache Kafka Java client, driven by Tally's tests as a producer and consumer that no one
 * here wrote. Compiled at test time against the broker's own jars (test/support/java-kafka-client.ts).
 *
 *   produce <brokers>            stdin: compression TAB topic TAB partition|- TAB key TAB value, or
 *                                `flush` (what came before leaves in batches of its own)
 *                                stdout: topic TAB partition TAB offset, one line per record, in order
 *   consume <brokers> <topic> <count> <timeoutMs>
 *                                stdout: partition TAB offset TAB key TAB value (from the beginning)
 *   log-dir <brokers> <topic> <partition>
 *                                stdout: the broker's log dir that holds the partition
 */
public final class JavaKafkaClient {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1]);
      case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
      case "log-dir" -> logDir(args[1], args[2], Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void produce(String brokers) throws Exception {
    Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = input.readLine(); line != null; line = input.readLine()) {
      if (line.isEmpty()) continue;
      if (line.equals("flush")) {
        for (KafkaProducer<String, String> producer : producers.values()) producer.flush();
        continue;
      }
      String[] fields = line.split("\t", 5);
      Integer partition = fields[2].equals("-") ? null : Integer.valueOf(fields[2]);
      KafkaProducer<String, String> producer = producers.computeIfAbsent(fields[0], compression -> producer(brokers, compression));
      sent.add(producer.send(new ProducerRecord<>(fields[1], partition, fields[3], fields[4])));
    }
    for (KafkaProducer<String, String> producer : producers.values()) producer.flush();
    for (Future<RecordMetadata> future : sent) {
      RecordMetadata metadata = future.get();
      System.out.println(metadata.topic() + "\t" + metadata.partition() + "\t" + metadata.offset());
    }
    for (KafkaProducer<String, String> producer : producers.values()) producer.close();
  }

  // Batches leave only when flushed (a linger longer than any run, a size no test reaches), so
  // the records between two flushes share one batch per partition, compressed together as a
  // producer under load sends them, and a test knows where each batch starts and ends even on a
  // slow machine.
  private static KafkaProducer<String, String> producer(String brokers, String compression) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", brokers);
    properties.put("compression.type", compression);
    properties.put("acks", "all");
    properties.put("linger.ms", "60000");
    properties.put("batch.size", "1048576");
    // As a producer configured for large records would: the broker's limit (4 MiB in tests)
    // applies to the compressed batch, this one to the uncompressed record.
    properties.put("max.request.size", "10485760");
    properties.put("buffer.memory", "67108864");
    return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
  }

  private static void consume(String brokers, String topic, int count, long timeoutMs) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", brokers);
    properties.put("enable.auto.commit", "false");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map((PartitionInfo info) -> new TopicPartition(topic, info.partition()))
          .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + timeoutMs;
      int seen = 0;
      while (seen < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          System.out.println(record.partition() + "\t" + record.offset() + "\t" + record.key() + "\t" + record.value());
          seen += 1;
        }
      }
    }
  }

  private static void logDir(String brokers, String topic, int partition) throws Exception {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(properties)) {
      List<Integer> brokerIds = admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toList());
      TopicPartition wanted = new TopicPartition(topic, partition);
      for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokerIds).allDescriptions().get().values()) {
        for (Map.Entry<String, LogDirDescription> dir : dirs.entrySet()) {
          if (dir.getValue().replicaInfos().containsKey(wanted)) {
            System.out.println(dir.getKey());
            return;
          }
        }
      }
      throw new IllegalStateException("no log dir holds " + wanted);
    }
  }
}
