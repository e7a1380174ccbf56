/**
 * POST /api/photo-check: the photo's bytes as the body (any Content-Type; the content decides),
 * the check's result as JSON. Refusals are 4xx with `{"error"}` (English, for API clients) and
 * `{"advice"}` (Chinese, what the page shows the applicant).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { checkIdPhoto, describeLimit } from './check';
import { PhotoInputError } from './errors';
import { defaultPhotoRules, fill, type PhotoRules } from './rules';

/** The endpoint's path, for the server's JSON-only `/api` guard to let it through. */
export const PHOTO_CHECK_PATH = '/api/photo-check';

/** Largest body read. An ID photo is at most 500 KB; 5 MB still lets us tell an oversized phone photo how big it is. */
export const PHOTO_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export interface PhotoCheckRouterOptions {
  /** Thresholds and texts; default: knowledge/photo.yaml, read now so a broken file stops start-up. */
  rules?: PhotoRules;
  /** Largest body accepted; more is refused with 413. */
  maxUploadBytes?: number;
}

/** A router to mount at the app's root (`app.use(createPhotoCheckRouter())`). */
export function createPhotoCheckRouter(opts: PhotoCheckRouterOptions = {}): Router {
  const rules = opts.rules ?? defaultPhotoRules();
  const maxUploadBytes = opts.maxUploadBytes ?? PHOTO_MAX_UPLOAD_BYTES;
  const router = express.Router();

  // Every content type, and none: browsers send the file's guessed type, curl may send none, and
  // the format is judged from the bytes anyway.
  const raw = express.raw({ type: () => true, limit: maxUploadBytes });

  router.post(PHOTO_CHECK_PATH, raw, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body: unknown = req.body;
      res.json(await checkIdPhoto(Buffer.isBuffer(body) ? body : Buffer.alloc(0), rules));
    } catch (err) {
      next(err);
    }
  });

  router.use(PHOTO_CHECK_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof PhotoInputError) return void res.status(400).json({ error: err.message, advice: err.advice });
    const type = (err as { type?: unknown })?.type;
    if (type === 'entity.too.large') {
      const limit = describeLimit(maxUploadBytes);
      return void res.status(413).json({ error: `body is larger than ${limit}`, advice: fill(rules.texts.refused.tooLarge, { limit }) });
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') return void res.status(400).json({ error: 'incomplete body' });
    if (type === 'encoding.unsupported')
      return void res.status(415).json({ error: 'unsupported body encoding; send the photo bytes without Content-Encoding' });
    next(err);
  });

  return router;
}
