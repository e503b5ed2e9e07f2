// The dashboard's connection to Leadpilot: GraphQL over HTTP, and a small graphql-ws client
// (protocol graphql-transport-ws) for live updates. The key lives in sessionStorage only.

const KEY_STORAGE = 'leadpilot.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set key(value) {
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    else sessionStorage.removeItem(KEY_STORAGE);
  },
};

export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code;
  }
}

/** One operation over HTTP; rejects with GraphQLRequestError when the answer has errors. */
export async function request(query, variables = {}, key = session.key) {
  const response = await fetch('/graphql', {
    method: 'POST',
    // Decisions taken here are recorded with channel DASHBOARD (the API checks the browser's Origin too).
    headers: { 'content-type': 'application/json', 'x-leadpilot-client': 'dashboard', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new GraphQLRequestError(body.errors);
  return body.data;
}

/**
 * One WebSocket for every live view. Subscriptions survive reconnects (they are sent again after
 * each connection_ack); a refused key (4401/4403) ends them and calls onRefused.
 */
export function createLiveConnection({ onStatus = () => {}, onRefused = () => {} } = {}) {
  const active = new Map();
  let socket;
  let nextId = 1;
  let retryMs = 500;
  let closed = false;
  let acknowledged = false;

  const send = (message) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const subscribeAll = () => {
    for (const [id, sub] of active) send({ id, type: 'subscribe', payload: { query: sub.query, variables: sub.variables } });
  };

  const connect = () => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    socket = new WebSocket(url, 'graphql-transport-ws');
    acknowledged = false;
    socket.addEventListener('open', () => send({ type: 'connection_init', payload: { authorization: `Bearer ${session.key}` } }));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case 'connection_ack':
          acknowledged = true;
          retryMs = 500;
          onStatus('live');
          subscribeAll();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next':
          active.get(message.id)?.onData(message.payload);
          break;
        case 'error':
          active.get(message.id)?.onData({ errors: message.payload });
          break;
        case 'complete':
          active.delete(message.id);
          break;
      }
    });
    socket.addEventListener('close', (event) => {
      onStatus('offline');
      if (closed) return;
      if (event.code === 4401 || event.code === 4403) {
        closed = true;
        onRefused();
        return;
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15_000);
    });
  };

  return {
    /** Starts a subscription; returns its stop function. */
    subscribe(query, variables, onData) {
      const id = String(nextId++);
      active.set(id, { query, variables, onData });
      if (!socket) connect();
      else if (acknowledged) send({ id, type: 'subscribe', payload: { query, variables } });
      return () => {
        if (active.delete(id)) send({ id, type: 'complete' });
      };
    },
    close() {
      closed = true;
      active.clear();
      socket?.close(1000, 'signed out');
    },
  };
}
