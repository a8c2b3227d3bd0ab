// PostGraphile as a team would run it in production against okno's tables: the amber preset,
// no GraphiQL, no watch mode, no explain. The database comes from OKNO_BENCH_DSN.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.OKNO_BENCH_DSN,
      schemas: ["public"],
      poolConfig: { max: 10 }, // raw_card.py's pool size
    }),
  ],
  grafserv: { graphiql: false, watch: false, maxRequestLength: 100_000 },
  grafast: { explain: false },
};

export default preset;
