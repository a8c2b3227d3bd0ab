// A live okno subscription through the standard JavaScript client (graphql-ws, what Apollo,
// urql, Relay and a browser use): subscribe → event → complete. Exit 0 on success; any error,
// close code or timeout → a message on stderr and exit 1.
//
//   node subscribe.mjs --url http://127.0.0.1:8000/graphql --client-id <Client global ID> \
//     --client-token <the client's own token> --staff-token <an operator's token>
//
// The client subscribes to their own history (interactionAdded); the operator adds an email
// to the client's card over HTTP (graphql-request), which commits a CONTACT_ADDED event.
// graphql-ws has no "subscribed" acknowledgement, so the trigger is repeated (a new address
// each time) until the first event arrives.
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import { GraphQLClient } from 'graphql-request';
import WebSocket from 'ws';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'client-id': { type: 'string' },
    'client-token': { type: 'string' },
    'staff-token': { type: 'string' },
    timeout: { type: 'string', default: '20' },
  },
});
for (const name of ['url', 'client-id', 'client-token', 'staff-token']) {
  if (!args[name]) fail(`--${name} is required`);
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription History($clientId: ID!) {
    interactionAdded(clientId: $clientId) {
      __typename id kind summary direction occurredAt actorRole
    }
  }`;
const ADD_CONTACT = /* GraphQL */ `
  mutation AddEmail($input: AddContactPointInput!) {
    addContactPoint(input: $input) { contact { id value } errors { code field message } }
  }`;

function fail(message) {
  console.error(`subscribe.mjs: ${message}`);
  process.exit(1);
}

function describe(error) {
  if (Array.isArray(error)) return `GraphQL errors: ${JSON.stringify(error)}`;
  if (error && typeof error.code === 'number') {
    return `websocket closed with ${error.code} ${error.reason || '(no reason)'}`;
  }
  return String(error?.message ?? error);
}

const timer = setTimeout(() => fail(`no event within ${args.timeout} s`),
                         Number(args.timeout) * 1000);

const wsUrl = args.url.replace(/^http/, 'ws');
const staff = new GraphQLClient(args.url, {
  headers: { Authorization: `Bearer ${args['staff-token']}` },
});

let completed = false;
let connectionError = null;
const ws = createClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${args['client-token']}` },
  retryAttempts: 0,
  lazy: true,
  on: {
    closed: (event) => {
      if (completed) return;
      const why = connectionError ? ` (${describe(connectionError)})` : '';
      fail(`the connection closed before the event: ${describe(event)}${why}`);
    },
    error: (error) => { connectionError = error; },
  },
});

const event = await new Promise((resolve, reject) => {
  let received = false;
  const unsubscribe = ws.subscribe(
    { query: SUBSCRIPTION, variables: { clientId: args['client-id'] } },
    {
      next: (result) => {
        if (received) return;
        received = true;
        unsubscribe(); // sends `complete`: the client ends the subscription
        if (result.errors?.length) reject(new Error(`errors in next: ${describe(result.errors)}`));
        else resolve(result.data?.interactionAdded);
      },
      error: (error) => reject(new Error(describe(error))),
      complete: () => {
        if (!received) reject(new Error('the server completed before any event'));
      },
    },
  );
  trigger(() => received).catch(reject);
}).catch(async (error) => {
  // Let the socket's close (code and reason, reported by on.closed) speak first.
  await new Promise((r) => setTimeout(r, 200));
  fail(error.message);
});

async function trigger(done) {
  for (let attempt = 1; !done(); attempt++) {
    const { addContactPoint } = await staff.request(ADD_CONTACT, {
      input: {
        clientId: args['client-id'], kind: 'EMAIL',
        value: `js-contract-${process.pid}-${attempt}@example.org`,
      },
    });
    if (addContactPoint.errors.length) {
      throw new Error(`addContactPoint refused: ${JSON.stringify(addContactPoint.errors)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The payload's shape: the fields asked for, of the types the schema promises.
const problems = [];
if (!event || typeof event !== 'object') problems.push(`no interactionAdded in ${event}`);
else {
  if (event.__typename !== 'InteractionEvent') problems.push(`__typename ${event.__typename}`);
  if (typeof event.id !== 'string' || !event.id) problems.push(`id ${event.id}`);
  if (String(event.kind).toUpperCase() !== 'CONTACT_ADDED') problems.push(`kind ${event.kind}`);
  if (typeof event.summary !== 'string' || !event.summary) problems.push('empty summary');
  if (!['INBOUND', 'OUTBOUND', 'INTERNAL'].includes(event.direction)) {
    problems.push(`direction ${event.direction}`);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/.test(event.occurredAt)) {
    problems.push(`occurredAt ${event.occurredAt} is not UTC with whole seconds`);
  }
}
if (problems.length) fail(`unexpected event ${JSON.stringify(event)}: ${problems.join('; ')}`);

completed = true;
await ws.dispose();
clearTimeout(timer);
console.log(JSON.stringify({ ok: true, event }));
