/**
 * What the workshop would cost on AWS for a room: each learner deploys the stack (stage `prod`)
 * in their own account and keeps it running for the day. Usage comes from call rates measured
 * on the local cloud (bench/results, named beside each figure), prices from the providers'
 * published lists. Nothing is deployed: this is arithmetic, shown on the chapter's cost slides.
 * `node common/run-ts.cjs workshop/cost-model.ts` prints the figures the slides show.
 */

/**
 * On-demand prices, USD, us-east-1, free tiers left out. Read on 2026-12-07 from transcriptions
 * of the providers' pricing pages (AWS Lambda and API Gateway dated 2026-09-20; Upstash
 * 2026-11-09); SQS's and CloudWatch's from their pricing pages as quoted in the project's
 * README. Check them before quoting a room a price.
 */
export const PRICES = {
  apiGatewayRestPerMillionRequests: 3.5,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  sqsPerMillionRequests: 0.4,
  upstashPer100kCommands: 0.2,
  cloudWatchPer1000Metrics: 0.01,
  /** Upstash's fixed 250 MB database, per month: the alternative to paying per command. */
  upstashFixedPerMonth: 10,
} as const;

/** Measured on the local cloud; workshop/cost-model.test.ts checks each against its file. */
export const MEASURED = {
  /** bench/results/scaling-2026-12-01.json: one worker, rng concurrency 10. */
  oneWorkerHashesPerSecond: 3.17,
  /** The same file: ten workers, rng concurrency 10 (the fixed workshop). */
  tenWorkersHashesPerSecond: 31,
  /** bench/results/2026-12-06-exercises.json: rng's and hasher's p50 duration, ms. */
  rngDurationMs: 100.2,
  hasherDurationMs: 100.2,
  /** bench/results/2026-12-07-workshop-calls.json: Redis commands a second, one worker. */
  redisCommandsPerWorkerSecond: 35,
  /** The same file: Redis commands one `/json` runs (the dashboard polls it once a second). */
  redisCommandsPerJson: 402,
} as const;

export interface Room {
  learners: number;
  hours: number;
  tenWorkerHours: number;
  memoryGb: number;
  workerSliceSeconds: number;
  dashboardPollsPerSecond: number;
  cloudMetricsPerReport: number;
  cloudCacheSeconds: number;
  sqsRequestsPerTurn: number;
  sqsIdlePollsPerMinute: number;
  otherDurationMs: number;
}

/** The day and the stack, as configured (serverless.yml, the README's settings). */
export const ROOM: Readonly<Room> = {
  learners: 30,
  hours: 8,
  /** Of those, the hours with ten workers (the scaling and fix exercises); one worker else. */
  tenWorkerHours: 1,
  memoryGb: 256 / 1024,
  /** WORKER_SLICE_MS: one worker invocation (and one ticket) per replica per 20 s. */
  workerSliceSeconds: 20,
  /** The dashboard polls /json and GET /cloud once a second each, all day. */
  dashboardPollsPerSecond: 2,
  /** GET /cloud on AWS: 31 CloudWatch metrics per report, kept CLOUD_CACHE_MS (10 s). */
  cloudMetricsPerReport: 31,
  cloudCacheSeconds: 10,
  /** SendMessage, the poller's ReceiveMessage and DeleteMessage: per worker turn. */
  sqsRequestsPerTurn: 3,
  /** Assumed, not measured: AWS's SQS poller keeps 5 long polls of 20 s open when idle. */
  sqsIdlePollsPerMinute: 15,
  /** Assumed, not measured: webui's and supervisor's duration on Lambda (an Upstash round trip). */
  otherDurationMs: 100,
};

export interface CostLine {
  service: string;
  /** Units used by one learner in the day (requests, GB-seconds, commands, metrics). */
  usage: number;
  /** The price, and how many units it is for. */
  price: number;
  per: number;
  perLearner: number;
  room: number;
}

export interface Usage {
  hashes: number;
  replicaSeconds: number;
  apiRequests: number;
  lambdaInvocations: number;
  gbSeconds: number;
  redisCommands: number;
  sqsRequests: number;
  cloudWatchMetrics: number;
}

export interface RoomCost {
  usage: Usage;
  lines: CostLine[];
  perLearner: number;
  room: number;
  /** Every dollar amount the slides may show: prices and results rounded to the cent. */
  shown: number[];
}

const cents = (dollars: number) => Math.round(dollars * 100) / 100;

/** One learner's usage of the day. */
export function learnerUsage(room: Readonly<Room> = ROOM, measured = MEASURED): Usage {
  const seconds = room.hours * 3600;
  const tenSeconds = room.tenWorkerHours * 3600;
  const oneSeconds = seconds - tenSeconds;
  const hashes =
    measured.oneWorkerHashesPerSecond * oneSeconds +
    measured.tenWorkersHashesPerSecond * tenSeconds;
  const replicaSeconds = oneSeconds + 10 * tenSeconds;
  const turns = replicaSeconds / room.workerSliceSeconds;
  const polls = room.dashboardPollsPerSecond * seconds;
  const supervisorRuns = seconds / 60;
  const callSeconds =
    hashes * ((measured.rngDurationMs + measured.hasherDurationMs) / 1000) +
    (polls + supervisorRuns) * (room.otherDurationMs / 1000);
  return {
    hashes,
    replicaSeconds,
    // every hash: GET /rng/32 and POST /hasher through API Gateway; the dashboard's two polls
    apiRequests: 2 * hashes + polls,
    lambdaInvocations: 2 * hashes + turns + polls + supervisorRuns,
    // a worker replica runs all the time: its duration is the replica-seconds
    gbSeconds: (callSeconds + replicaSeconds) * room.memoryGb,
    redisCommands:
      measured.redisCommandsPerWorkerSecond * replicaSeconds +
      measured.redisCommandsPerJson * (polls / 2),
    sqsRequests: room.sqsRequestsPerTurn * turns + room.sqsIdlePollsPerMinute * (seconds / 60),
    cloudWatchMetrics: (room.cloudMetricsPerReport / room.cloudCacheSeconds) * seconds,
  };
}

/** The day's cost, line by line, for one learner and for the room. */
export function roomDayCost(
  room: Readonly<Room> = ROOM,
  measured = MEASURED,
  prices = PRICES,
): RoomCost {
  const usage = learnerUsage(room, measured);
  const line = (service: string, used: number, price: number, per: number): CostLine => {
    const perLearner = (used / per) * price;
    return { service, usage: used, price, per, perLearner, room: perLearner * room.learners };
  };
  const lines = [
    line("API Gateway (REST)", usage.apiRequests, prices.apiGatewayRestPerMillionRequests, 1e6),
    line("Lambda requests", usage.lambdaInvocations, prices.lambdaPerMillionRequests, 1e6),
    line("Lambda duration", usage.gbSeconds, prices.lambdaPerGbSecond, 1),
    line("Upstash Redis", usage.redisCommands, prices.upstashPer100kCommands, 1e5),
    line("SQS", usage.sqsRequests, prices.sqsPerMillionRequests, 1e6),
    line("CloudWatch metrics", usage.cloudWatchMetrics, prices.cloudWatchPer1000Metrics, 1000),
  ];
  const perLearner = lines.reduce((sum, l) => sum + l.perLearner, 0);
  const total = perLearner * room.learners;
  const redis = lines.find((l) => l.service === "Upstash Redis")?.perLearner ?? 0;
  const shown = [
    ...Object.values(prices),
    ...lines.flatMap((l) => [cents(l.perLearner), cents(l.room)]),
    cents(perLearner),
    cents(total),
    // the day without the per-command Redis (a fixed-price database instead)
    cents(perLearner - redis),
    cents((perLearner - redis) * room.learners),
  ];
  return { usage, lines, perLearner, room: total, shown };
}

export function main(): void {
  const cost = roomDayCost();
  console.log(JSON.stringify(cost.usage, null, 2));
  for (const l of cost.lines) {
    console.log(
      `${l.service.padEnd(20)} ${Math.round(l.usage).toLocaleString("en").padStart(12)} × $${l.price} / ${l.per.toLocaleString("en")} = $${cents(l.perLearner)} per learner, $${cents(l.room)} for the room`,
    );
  }
  console.log(`total: $${cents(cost.perLearner)} per learner, $${cents(cost.room)} for the room`);
  console.log(`every amount the slides may show: ${cost.shown.join(", ")}`);
}
