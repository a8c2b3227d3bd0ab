// The PostGraphile peer for bench/client_card.py: `node server.mjs PORT` (OKNO_BENCH_DSN set).
// One process, Node's own http server, grafserv's node adaptor (library mode, as the docs show).
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const port = Number(process.argv[2]);
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
await pgl.getSchema(); // build the schema before accepting requests
server.listen(port, "127.0.0.1");

const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
