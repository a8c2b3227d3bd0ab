// A citizen and an operator using okno, as typed front ends do: graphql-request with the
// documents graphql-codegen typed from operations/*.graphql. Compiled with `tsc --strict`
// (tsconfig.json) and run on Node against a live okno; every answer is checked at run time too.
//
// Environment: OKNO_URL (…/graphql), OKNO_CLIENT_TOKEN (the citizen's own token),
// OKNO_OPERATOR_TOKEN, OKNO_DEPARTMENT (a department's name), OKNO_EXECUTOR (a staff subject
// in that department), OKNO_CLIENT_EMAIL (the citizen's email, for the operator's search);
// for reception: OKNO_RECEPTION_POINT (a point's name, with slots in the next weeks),
// OKNO_RIVAL_TOKEN (another client's token), OKNO_TIMEZONE (the government's IANA zone).
import { print } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  CitizenHistoryDocument,
  CitizenHistoryExportDocument,
  CitizenMeDocument,
  CitizenMessagesDocument,
  CitizenRequestHistoryExportDocument,
  CitizenSendMessageDocument,
  OperatorAssignMessageDocument,
  OperatorClientCardDocument,
  OperatorClientSearchDocument,
  OperatorDeadlineAlertsDocument,
  OperatorDepartmentsDocument,
  OperatorMessagesDocument,
  OperatorRegisterMessageDocument,
  ReceptionAvailableSlotsDocument,
  ReceptionBookDocument,
  ReceptionBookingChangedDocument,
  ReceptionBookingNodeDocument,
  ReceptionCancelDocument,
  ReceptionDeskDayDocument,
  ReceptionMyBookingsDocument,
  ReceptionPointsDocument,
  ReceptionSlotNodeDocument,
  RefetchDocument,
} from './gql/graphql.js';
import type {
  AccessibilityFeature,
  BookingFieldsFragment,
  BookingStatus,
  DeadlineFieldsFragment,
  ReceptionBookingChangedSubscription,
  ReceptionSlotFieldsFragment,
  UserErrorFieldsFragment,
} from './gql/graphql.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function present<T>(value: T | null | undefined, what: string): T {
  check(value !== null && value !== undefined, `${what} is null`);
  return value;
}

function noErrors(errors: UserErrorFieldsFragment[], what: string): void {
  check(errors.length === 0, `${what} refused: ${JSON.stringify(errors)}`);
}

// The DateTime rule: UTC with offset, whole seconds.
const UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
function utc(value: string, what: string): Date {
  check(UTC.test(value), `${what} = ${value} is not UTC with whole seconds`);
  return new Date(value);
}

function deadline(d: DeadlineFieldsFragment | null, what: string): DeadlineFieldsFragment {
  const found = present(d, `${what}.deadline`);
  utc(found.at, `${what}.deadline.at`);
  check(/^\d{4}-\d\d-\d\d$/.test(found.date), `${what}.deadline.date = ${found.date}`);
  return found;
}

const url = env('OKNO_URL');
const citizen = new GraphQLClient(url, {
  headers: { Authorization: `Bearer ${env('OKNO_CLIENT_TOKEN')}`, 'X-Client-App': 'citizen' },
});
const operator = new GraphQLClient(url, {
  headers: { Authorization: `Bearer ${env('OKNO_OPERATOR_TOKEN')}`, 'X-Client-App': 'workplace' },
});

// Every ID a front end caches must come back from node(id:) as the same object.
const seen = new Map<string, string>(); // id → __typename
function remember(id: string, typename: string): string {
  seen.set(id, typename);
  return id;
}

async function refetchAll(as: GraphQLClient, who: string): Promise<void> {
  for (const [id, typename] of seen) {
    const { node } = await as.request(RefetchDocument, { id });
    check(node?.id === id && node.__typename === typename,
          `${who}: node(id: ${id}) is ${JSON.stringify(node)}, expected a ${typename}`);
  }
}

// Events are compared by kind (the EventKind enum).
const isKind = (kind: string, expected: string) => kind.toUpperCase() === expected;

// ---- citizen, part 1: who am I, how do you reach me, write to the Government --------------
const { me } = await citizen.request(CitizenMeDocument);
const self = present(me, 'me');
remember(self.id, 'Client');
const email = env('OKNO_CLIENT_EMAIL');
const myEmail = self.contacts.find((c) => c.kind === 'EMAIL' && c.value === email);
check(myEmail, `me.contacts has no ${email}: ${JSON.stringify(self.contacts)}`);
remember(myEmail.id, 'ContactPoint');
const preference = present(self.preference, 'me.preference');
check(preference.preferredChannel === 'EMAIL', `preferred channel ${preference.preferredChannel}`);
check(preference.preferredContact?.id === myEmail.id, 'the preference names my email');
utc(preference.updatedAt, 'preference.updatedAt');

const sent = present((await citizen.request(CitizenSendMessageDocument, {
  input: {
    clientId: self.id,
    channel: 'WEB',
    subject: 'Освещение во дворе',
    body: 'Во дворе дома 5 по улице Ленина третью неделю не горят фонари. Прошу починить.',
  },
})).receiveMessage, 'receiveMessage');
noErrors(sent.errors, 'receiveMessage');
const received = present(sent.message, 'receiveMessage.message');
const messageId = remember(received.id, 'Message');
check(received.status === 'RECEIVED', `a new message is ${received.status}`);
check(deadline(received.deadline, 'new message').kind === 'REGISTRATION',
      'a new message is due for registration');

// ---- operator: find the client, open the card, work the queue -------------------------------
const found = present((await operator.request(OperatorClientSearchDocument, {
  search: email, first: 5,
})).clients, 'clients').edges.map((e) => e.node);
check(found.length === 1 && found[0]?.id === self.id,
      `search by email found ${JSON.stringify(found)}`);

const card = present((await operator.request(OperatorClientCardDocument, { id: self.id })).client,
                     'client card');
check(card.contacts.some((c) => c.id === myEmail.id), 'the card lists the email');
check(card.preference?.preferredChannel === 'EMAIL', 'the card shows the channel choice');
const cardHistory = present(card.history, 'client.history').edges.map((e) => e.node);
check(cardHistory.length > 0 && cardHistory.length <= 20, `history page of ${cardHistory.length}`);
check(cardHistory.some((e) => isKind(e.kind, 'MESSAGE_RECEIVED')),
      `the card's history shows the new message: ${cardHistory.map((e) => e.kind)}`);
for (const event of cardHistory) utc(event.occurredAt, `event ${event.id}.occurredAt`);
const times = cardHistory.map((e) => Date.parse(e.occurredAt));
check(times.every((t, i) => i === 0 || t <= (times[i - 1] ?? t)), 'history is newest first');

const incoming = present((await operator.request(OperatorMessagesDocument, {
  filter: { clientId: self.id, statuses: ['RECEIVED'] }, first: 20,
})).messages, 'messages').edges.map((e) => e.node);
const queued = incoming.find((m) => m.id === messageId);
check(queued, 'the new message is in the RECEIVED queue');
check(queued.client?.id === self.id, 'the queue shows whose message it is');
deadline(queued.deadline, 'queued message');

const registered = present((await operator.request(OperatorRegisterMessageDocument,
                                                    { id: messageId })).registerMessage,
                           'registerMessage');
noErrors(registered.errors, 'registerMessage');
const afterRegister = present(registered.message, 'registerMessage.message');
check(afterRegister.status === 'REGISTERED', `registered message is ${afterRegister.status}`);
check(afterRegister.registrationNumber, 'a registered message has a number');
utc(present(afterRegister.registeredAt, 'registeredAt'), 'registeredAt');
// 59-FZ: registered, the redirect term (7 days) is the nearest; the answer term runs beside it.
check(deadline(afterRegister.deadline, 'registered message').kind === 'REDIRECT',
      'after registration the redirect term is the nearest');
check(afterRegister.deadlines.map((d) => deadline(d, 'registered message').kind).join()
      === 'REDIRECT,ANSWER', 'after registration the redirect and answer terms run');

const departments = present((await operator.request(OperatorDepartmentsDocument)).departments,
                            'departments');
const department = departments.find((d) => d.name === env('OKNO_DEPARTMENT'));
check(department, `no department ${env('OKNO_DEPARTMENT')} among ${departments.length}`);
remember(department.id, 'Department');

const assigned = present((await operator.request(OperatorAssignMessageDocument, {
  input: { messageId, departmentId: department.id, executorSubject: env('OKNO_EXECUTOR') },
})).assignMessage, 'assignMessage');
noErrors(assigned.errors, 'assignMessage');
const afterAssign = present(assigned.message, 'assignMessage.message');
check(afterAssign.status === 'ASSIGNED', `assigned message is ${afterAssign.status}`);
check(afterAssign.department?.id === department.id, 'assigned to the department');
check(afterAssign.executor?.subject === env('OKNO_EXECUTOR'), 'assigned to the executor');

// The department's open messages due within 60 days, with their deadlines.
const horizon = new Date(Date.now() + 60 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00');
const due = present((await operator.request(OperatorMessagesDocument, {
  filter: { departmentId: department.id, statuses: ['ASSIGNED', 'IN_WORK'], dueBefore: horizon },
  first: 50,
})).messages, 'messages').edges.map((e) => e.node);
const mine = due.find((m) => m.id === messageId);
check(mine, `the assigned message is due within 60 days: ${JSON.stringify(due)}`);
const answerDue = deadline(mine.deadline, 'assigned message');
check(Date.parse(answerDue.at) < Date.parse(horizon), 'dueBefore filters by the deadline');
check(!answerDue.overdue, 'a new message is not overdue');

const alerts = present((await operator.request(OperatorDeadlineAlertsDocument, { first: 20 }))
  .deadlineAlerts, 'deadlineAlerts');
for (const { node } of alerts.edges) utc(node.dueAt, 'alert.dueAt');
check(typeof alerts.pageInfo.hasNextPage === 'boolean', 'deadlineAlerts has pageInfo');

await refetchAll(operator, 'operator');

// ---- citizen, part 2: my messages, my history, my data --------------------------------------
const myMessages = present(present((await citizen.request(CitizenMessagesDocument, {
  first: 20,
})).me, 'me').messages, 'me.messages').edges.map((e) => e.node);
const myMessage = myMessages.find((m) => m.id === messageId);
check(myMessage, 'the citizen sees their message');
check(myMessage.status === 'ASSIGNED', `the citizen sees status ${myMessage.status}`);
check(myMessage.registrationNumber === afterRegister.registrationNumber, 'and its number');
check(deadline(myMessage.deadline, 'my message').at === answerDue.at, 'and its deadline');
check(myMessage.answer === null, 'no answer yet');

// History, one event a page: pages follow each other without overlap.
const page1 = present(present((await citizen.request(CitizenHistoryDocument, { first: 2 })).me,
                              'me').history, 'me.history');
check(page1.edges.length === 2 && page1.pageInfo.hasNextPage, 'a first page of two, and more');
const page2 = present(present((await citizen.request(CitizenHistoryDocument, {
  first: 2, after: present(page1.pageInfo.endCursor, 'endCursor'),
})).me, 'me').history, 'me.history');
const ids1 = new Set(page1.edges.map((e) => e.node.id));
check(page2.edges.length > 0 && page2.edges.every((e) => !ids1.has(e.node.id)),
      'the second page continues the first');
const registeredOnly = present(present((await citizen.request(CitizenHistoryDocument, {
  first: 20, kinds: ['MESSAGE_REGISTERED'],
})).me, 'me').history, 'me.history').edges.map((e) => e.node);
check(registeredOnly.length === 1 && registeredOnly.every((e) => isKind(e.kind, 'MESSAGE_REGISTERED')),
      `filtering by kind: ${registeredOnly.map((e) => e.kind)}`);

const exported = present((await citizen.request(CitizenRequestHistoryExportDocument, {
  input: { clientId: self.id },
})).requestHistoryExport, 'requestHistoryExport');
noErrors(exported.errors, 'requestHistoryExport');
const historyExport = present(exported.historyExport, 'requestHistoryExport.historyExport');
remember(historyExport.id, 'HistoryExport');
check(['PENDING', 'RUNNING', 'READY'].includes(historyExport.status),
      `a new export is ${historyExport.status}`);
const polled = present((await citizen.request(CitizenHistoryExportDocument, {
  id: historyExport.id,
})).historyExport, 'historyExport');
check(polled.id === historyExport.id, 'the export can be polled by its ID');

await refetchAll(citizen, 'citizen');

// ---- personal reception (R-4.x): find, book, see, cancel, hear it live ----------------------
const anonymous = new GraphQLClient(url, { headers: { 'X-Client-App': 'citizen' } });
const rival = new GraphQLClient(url, {
  headers: { Authorization: `Bearer ${env('OKNO_RIVAL_TOKEN')}`, 'X-Client-App': 'citizen' },
});
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, '+00:00');
// The government's calendar date of an instant: what receptionDay takes.
const localDate = (at: string) => new Intl.DateTimeFormat('en-CA', {
  timeZone: env('OKNO_TIMEZONE'), year: 'numeric', month: '2-digit', day: '2-digit',
}).format(new Date(at));

// bookingChanged through graphql-ws, as a browser would: one connection each, what it heard,
// and a wait for one event.
type Heard = ReceptionBookingChangedSubscription['bookingChanged'];
const wsUrl = url.replace(/^http/, 'ws');
const CHANGED = print(ReceptionBookingChangedDocument);
function connect(bearer: string) {
  return createClient({
    url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0,
    connectionParams: { Authorization: `Bearer ${bearer}` },
  });
}
function listen(bearer: string, who: string, pointId?: string) {
  const ws = connect(bearer);
  const heard: Heard[] = [];
  let failure: unknown = null;
  const stop = ws.subscribe<ReceptionBookingChangedSubscription>(
    { query: CHANGED, variables: pointId === undefined ? {} : { pointId } },
    {
      next: (result) => {
        if (result.errors?.length) failure = result.errors;
        else if (result.data) heard.push(result.data.bookingChanged);
      },
      error: (error) => { failure = error; },
      complete: () => {},
    },
  );
  return {
    heard,
    async hear(bookingId: string, status: BookingStatus): Promise<Heard> {
      for (let waited = 0; waited < 15_000; waited += 100) {
        check(failure === null, `${who}: bookingChanged failed: ${JSON.stringify(failure)}`);
        const event = heard.find((b) => b.id === bookingId && b.status === status);
        if (event) return event;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${who}: no bookingChanged ${status} for ${bookingId}; heard `
                      + JSON.stringify(heard));
    },
    async close(): Promise<void> {
      stop();
      await ws.dispose();
    },
  };
}
// A refused subscription: the code graphql-ws hands the client (as `next` errors or `error`).
async function refusal(bearer: string, pointId: string | null): Promise<string> {
  const ws = connect(bearer);
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no refusal within 10 s')), 10_000);
      const codeOf = (errors: readonly { extensions?: { [key: string]: unknown } }[]) =>
        String(errors[0]?.extensions?.['code']);
      ws.subscribe<ReceptionBookingChangedSubscription>({ query: CHANGED, variables: { pointId } }, {
        next: (result) => {
          clearTimeout(timer);
          resolve(result.errors?.length ? codeOf(result.errors) : `data ${JSON.stringify(result)}`);
        },
        error: (error) => {
          clearTimeout(timer);
          resolve(Array.isArray(error) ? codeOf(error) : `closed ${String(error)}`);
        },
        complete: () => {},
      });
    });
  } finally {
    await ws.dispose();
  }
}

// The client's own bookings, subscribed first so the booking below is likely heard too; the
// cancel at the end must be.
const myLive = listen(env('OKNO_CLIENT_TOKEN'), 'client');

function checkSlot(slot: ReceptionSlotFieldsFragment, what: string): void {
  const starts = utc(slot.startsAt, `${what}.startsAt`);
  check(utc(slot.endsAt, `${what}.endsAt`) > starts, `${what} ends after it starts`);
  check(!Number.isNaN(starts.getTime()), `${what}.startsAt parses`);
  check(slot.freeSeats >= 0 && slot.freeSeats <= slot.capacity, `${what}.freeSeats`);
}
function checkBooking(booking: BookingFieldsFragment, what: string): void {
  utc(booking.createdAt, `${what}.createdAt`);
  if (booking.cancelledAt !== null) utc(booking.cancelledAt, `${what}.cancelledAt`);
  if (booking.outcomeAt !== null) utc(booking.outcomeAt, `${what}.outcomeAt`);
  checkSlot(present(booking.slot, `${what}.slot`), `${what}.slot`);
}

// Anonymous: the point, with what it offers for accessibility.
const points = present((await anonymous.request(ReceptionPointsDocument)).receptionPoints,
                       'receptionPoints');
const point = points.find((p) => p.name === env('OKNO_RECEPTION_POINT'));
check(point, `no point ${env('OKNO_RECEPTION_POINT')} among ${points.length}`);
remember(point.id, 'ReceptionPoint');
// The reception desk listens to its point; a client may not, and staff must name a point.
const desk = listen(env('OKNO_OPERATOR_TOKEN'), 'desk', point.id);
const clientAtPoint = await refusal(env('OKNO_CLIENT_TOKEN'), point.id);
check(clientAtPoint === 'FORBIDDEN', `a client watching a point: ${clientAtPoint}`);
const deskNowhere = await refusal(env('OKNO_OPERATOR_TOKEN'), null);
check(deskNowhere === 'BAD_USER_INPUT', `a desk without a point: ${deskNowhere}`);
const features: AccessibilityFeature[] = ['STEP_FREE_ENTRANCE', 'RAMP', 'HEARING_LOOP'];
check(point.accessibility.join() === features.join(),
      `accessibility ${point.accessibility}, expected ${features}`);
check(point.latitude !== null && Math.abs(point.latitude - 54.3142) < 1e-6, 'latitude');
check(point.directions.length > 0 && point.openingNotes === '', 'directions and notes');

// Anonymous: free slots at the point over the next three weeks, soonest first.
const from = new Date();
const to = new Date(from.getTime() + 21 * 86_400_000);
// `to` as JavaScript writes it (toISOString: milliseconds and Z) is an offset too.
const free = present((await anonymous.request(ReceptionAvailableSlotsDocument, {
  filter: { pointId: point.id, from: iso(from), to: to.toISOString() }, first: 5,
})).availableSlots, 'availableSlots');
check(free.edges.length >= 2, `free slots: ${free.edges.length}`);
const starts = free.edges.map(({ node }, i) => {
  checkSlot(node, `availableSlots[${i}]`);
  check(node.status === 'OPEN' && node.freeSeats === node.capacity, `slot ${i} is open and free`);
  check(node.point?.id === point.id, `slot ${i} is at the point`);
  return utc(node.startsAt, 'startsAt').getTime();
});
check(starts.every((t, i) => t >= from.getTime() && t <= to.getTime()
                   && (i === 0 || t >= (starts[i - 1] ?? t))), 'in the range, soonest first');
const chosen = present(free.edges[0], 'a free slot').node;
remember(chosen.id, 'ReceptionSlot');
remember(present(chosen.official, 'slot.official').id, 'ReceivingOfficial');

// The citizen books it; the seat is taken at once.
const booked = present((await citizen.request(ReceptionBookDocument, {
  input: { slotId: chosen.id, topic: 'Капитальный ремонт дома' },
})).bookReception, 'bookReception');
noErrors(booked.errors, 'bookReception');
const booking = present(booked.booking, 'bookReception.booking');
checkBooking(booking, 'booking');
remember(booking.id, 'Booking');
check(booking.status === 'BOOKED' && booking.bookedBy === 'CLIENT', `booked: ${booking.status}`);
check(booking.cancelledAt === null && booking.cancelledBy === null, 'not cancelled');
check(booking.client?.id === self.id, 'my booking');
check(booking.slot?.id === chosen.id && booking.slot.freeSeats === chosen.freeSeats - 1,
      `the slot's free seats drop: ${booking.slot?.freeSeats}`);
check(booking.slot.point?.accessibility.includes('RAMP'), 'the booking shows accessibility');

const slotNow = (await anonymous.request(ReceptionSlotNodeDocument, { id: chosen.id })).node;
check(slotNow?.__typename === 'ReceptionSlot' && slotNow.freeSeats === chosen.freeSeats - 1,
      `node(slot).freeSeats after booking: ${JSON.stringify(slotNow)}`);
const freeAfter = present((await anonymous.request(ReceptionAvailableSlotsDocument, {
  filter: { pointId: point.id, from: iso(from), to: iso(to) }, first: 5,
})).availableSlots, 'availableSlots');
check(freeAfter.edges.every((e) => e.node.id !== chosen.id), 'a full slot is not offered');

// Someone else, too late: SLOT_TAKEN comes back as data, not as a GraphQL error.
const late = present((await rival.request(ReceptionBookDocument, {
  input: { slotId: chosen.id, topic: 'Тоже ремонт' },
})).bookReception, 'bookReception (rival)');
check(late.booking === null && late.errors.length === 1 && late.errors[0]?.code === 'SLOT_TAKEN',
      `the rival's booking: ${JSON.stringify(late)}`);
check(late.errors[0].message.length > 0, 'SLOT_TAKEN has a message');
const notTheirs = (await rival.request(ReceptionBookingNodeDocument, { id: booking.id })).node;
check(notTheirs === null, `another client sees my booking: ${JSON.stringify(notTheirs)}`);
const foreign = present((await rival.request(ReceptionCancelDocument, {
  input: { bookingId: booking.id },
})).cancelBooking, 'cancelBooking (rival)');
check(foreign.booking === null && foreign.errors.length === 1
      && ['NOT_FOUND', 'FORBIDDEN'].includes(foreign.errors[0]?.code ?? ''),
      `another client cancels my booking: ${JSON.stringify(foreign)}`);

// Mine: in my bookings, and by node(id:).
const myBookings = present(present((await citizen.request(ReceptionMyBookingsDocument, {
  first: 10,
})).me, 'me').bookings, 'me.bookings').edges.map((e) => e.node);
check(myBookings.length === 1 && myBookings[0]?.id === booking.id,
      `me.bookings: ${JSON.stringify(myBookings.map((b) => b.id))}`);
const byNode = (await citizen.request(ReceptionBookingNodeDocument, { id: booking.id })).node;
check(byNode?.__typename === 'Booking' && byNode.status === 'BOOKED'
      && byNode.createdAt === booking.createdAt, `node(booking): ${JSON.stringify(byNode)}`);

// The reception desk's day at the point shows the booking in its slot.
const day = present((await operator.request(ReceptionDeskDayDocument, {
  pointId: point.id, date: localDate(chosen.startsAt),
})).receptionDay, 'receptionDay');
check(day.date === localDate(chosen.startsAt) && day.point.id === point.id, 'the day asked for');
const deskSlot = day.slots.find((s) => s.id === chosen.id);
check(deskSlot, `the desk's day has the slot: ${JSON.stringify(day.slots.map((s) => s.id))}`);
utc(deskSlot.startsAt, 'desk slot.startsAt');
check(deskSlot.freeSeats === 0 && deskSlot.bookings.some(
  (b) => b.id === booking.id && b.status === 'BOOKED' && b.client?.id === self.id),
      `the desk sees the booking: ${JSON.stringify(deskSlot)}`);

// Cancel: the seat is free at once; cancelling again is a success changing nothing.
const cancelled = present((await citizen.request(ReceptionCancelDocument, {
  input: { bookingId: booking.id, reason: 'Вопрос решён' },
})).cancelBooking, 'cancelBooking');
noErrors(cancelled.errors, 'cancelBooking');
const afterCancel = present(cancelled.booking, 'cancelBooking.booking');
checkBooking(afterCancel, 'cancelled booking');
check(afterCancel.status === 'CANCELLED' && afterCancel.cancelledBy === 'CLIENT',
      `cancelled: ${afterCancel.status} by ${afterCancel.cancelledBy}`);
const cancelledAt = new Date(present(afterCancel.cancelledAt, 'cancelledAt'));
check(cancelledAt >= new Date(booking.createdAt), 'cancelled after it was made');
check(afterCancel.slot?.freeSeats === chosen.freeSeats, 'cancelling frees the seat');
const again = present((await citizen.request(ReceptionCancelDocument, {
  input: { bookingId: booking.id },
})).cancelBooking, 'cancelBooking (again)');
noErrors(again.errors, 'cancelBooking again');
check(again.booking?.status === 'CANCELLED' && again.booking.cancelledAt === afterCancel.cancelledAt
      && again.booking.slot?.freeSeats === chosen.freeSeats, 'a second cancel changes nothing');
const offered = present((await anonymous.request(ReceptionAvailableSlotsDocument, {
  filter: { pointId: point.id, from: iso(from), to: iso(to) }, first: 5,
})).availableSlots, 'availableSlots');
check(offered.edges.some((e) => e.node.id === chosen.id), 'the freed slot is offered again');

// Heard live: the cancel arrives on the client's own subscription, after the booking if that
// was heard too, and never someone else's booking; the desk hears both.
const event = await myLive.hear(booking.id, 'CANCELLED');
checkBooking(event, 'bookingChanged');
check(event.cancelledBy === 'CLIENT' && event.cancelledAt === afterCancel.cancelledAt,
      `the event: ${JSON.stringify(event)}`);
check(myLive.heard.every((b) => b.id === booking.id && b.client?.id === self.id),
      `only my bookings are heard: ${JSON.stringify(myLive.heard.map((b) => b.id))}`);
const events = myLive.heard.map((b) => b.status);
check(events.lastIndexOf('BOOKED') < events.indexOf('CANCELLED'), `event order ${events}`);
await desk.hear(booking.id, 'BOOKED');
checkBooking(await desk.hear(booking.id, 'CANCELLED'), 'the desk\'s bookingChanged');
await myLive.close();
await desk.close();

await refetchAll(citizen, 'citizen');

console.log(JSON.stringify({
  ok: true, client: self.id, message: messageId, number: afterRegister.registrationNumber,
  refetched: seen.size, reception: { booking: booking.id, slot: chosen.id, events },
}));
