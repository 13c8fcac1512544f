import { Router } from 'express';
import { z } from 'zod';
import { parseInput, principalOf, requireAuth, storableText, type Deps } from '@flashfast/shared';
import type { Broadcaster } from '../services';

const announcementBody = z.strictObject({
  message: storableText(1000),
  level: z.enum(['info', 'warning', 'critical']).default('info'),
});

interface AnnouncementRow {
  id: string;
  message: string;
  level: string;
  created_at: Date;
}

const toAnnouncement = (row: AnnouncementRow) => ({
  id: row.id,
  message: row.message,
  level: row.level,
  createdAt: row.created_at.toISOString(),
});

/** Admins publish to every connected client; anyone can read the latest ones. */
export function announcementsRoutes(deps: Deps, broadcaster: Broadcaster): Router {
  const router = Router();

  router.post('/', requireAuth(deps.auth, 'admin'), async (req, res) => {
    const body = parseInput(announcementBody, req.body, 'body');
    const { rows } = await deps.db.query<AnnouncementRow>(
      'INSERT INTO announcements (message, level, created_by) VALUES ($1, $2, $3) RETURNING id, message, level, created_at',
      [body.message, body.level, principalOf(req).userId],
    );
    const announcement = toAnnouncement(rows[0]!);
    broadcaster.announcement(announcement);
    res.status(201).json({ announcement });
  });

  router.get('/', async (_req, res) => {
    const { rows } = await deps.db.query<AnnouncementRow>(
      'SELECT id, message, level, created_at FROM announcements ORDER BY created_at DESC, id DESC LIMIT 20',
    );
    res.json({ items: rows.map(toAnnouncement), nextCursor: null });
  });

  return router;
}
