import { type TesseraIdentity, tesseraMiddleware, type TokenVerifier, type Verification } from '@tessera/verifier';
import express, { type Express, type Request, type Response } from 'express';

/** A request that went through `tesseraMiddleware`: `tessera` is set when the token was accepted. */
type ProtectedRequest = Request & { tessera?: TesseraIdentity };

export interface ApiOptions {
  verifier: TokenVerifier;
  /** For the readiness check: false until the view of keys and revocations has caught up. */
  isReady: () => boolean;
  /** The audiences this API accepts; by default each token's own tenant's (`tessera:<tenant>`). */
  audience?: readonly string[] | undefined;
  /** Every decision; on the monitor route, the only trace of what enforcing would refuse. */
  onDecision?: (decision: Verification, mode: 'enforce' | 'monitor') => void;
}

/**
 * The example API. `/api/orders` enforces: a request whose token the verifier refuses never reaches the handler
 * (401 with the reason). `/api/catalog` monitors: everything gets through, the handler sees `req.tessera` only for
 * an accepted token, and each refusal is reported: how to switch protection on safely, one route at a time.
 */
export function createApi(options: ApiOptions): Express {
  const { verifier, audience, onDecision } = options;
  const enforce = tesseraMiddleware({ verifier, mode: 'enforce', audience, onDecision });
  const monitor = tesseraMiddleware({ verifier, mode: 'monitor', audience, onDecision });

  const api = express.Router();
  api.get('/orders', enforce, (request: ProtectedRequest, response: Response) => {
    // Enforced: only an accepted token gets here, so `tessera` is set.
    const { tenant, claims } = request.tessera as TesseraIdentity;
    response.json({ orders: [], tenant, app: claims.sub, device: claims.did, registration: claims.reg });
  });
  api.get('/catalog', monitor, (request: ProtectedRequest, response: Response) => {
    const tessera = request.tessera;
    response.json({
      items: ['tea', 'coffee'],
      tessera: tessera ? { tenant: tessera.tenant, app: tessera.claims.sub, device: tessera.claims.did } : null,
    });
  });

  const app = express();
  app.disable('x-powered-by');
  app.get('/health/ready', (_request, response) => {
    const ready = options.isReady();
    response.status(ready ? 200 : 503).json({ ready });
  });
  app.use('/api', api);
  return app;
}
