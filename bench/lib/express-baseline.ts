// The floor under v1: Express 5 with express.json answering 201 without auth, rate limit or
// database. Run as its own process, like v1, so the two HTTP figures compare like for like.
import express from 'express';
import { assignedPort } from './settings';

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/flashsale/:eventId/purchase', (req, res) => {
  const body = req.body as { quantity?: unknown };
  res.status(201).json({
    order: {
      id: '00000000-0000-4000-8000-000000000000',
      userId: '00000000-0000-4000-8000-000000000001',
      productId: '00000000-0000-4000-8000-000000000002',
      eventId: req.params.eventId,
      quantity: body.quantity,
      unitPrice: 9.99,
      totalPrice: 9.99,
      status: 'confirmed',
      createdAt: new Date().toISOString(),
    },
  });
});

const server = app.listen(assignedPort(), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
