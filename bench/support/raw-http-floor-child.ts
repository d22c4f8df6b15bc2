/**
 * The floor of the sidecar benchmark (forked by raw-http-floor.ts, never run by hand): node:http alone, answering
 * every request 200 with the body a verifier accepts with, after reading it whole. Its port goes to the parent.
 */
import http from 'node:http';

const ANSWER = JSON.stringify({ decision: 'accept' });

const server = http.createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(ANSWER);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
});
process.once('disconnect', () => {
  server.close();
  server.closeAllConnections();
});
