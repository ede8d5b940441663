import express, { type RequestHandler } from 'express';
import { HttpProblem } from './problem.ts';
import { requireStorableJson } from './storable-text.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Route middleware for a JSON request body: parses it (at most `limit`, e.g.
 * '256kb' or a number of bytes) into req.body, and refuses a body of any other media type with 415
 * unsupported_media_type, unread (sendProblem drains it), and one with text
 * PostgreSQL cannot store with 400 invalid_character. `detail` tells the
 * client what to send.
 */
export function jsonBody(limit: string | number, detail: string): RequestHandler {
  const parse = express.json({ limit, type: JSON_TYPES });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!req.is(JSON_TYPES)) {
        return next(new HttpProblem('unsupported_media_type', detail));
      }
      try {
        // Every string and name of the body, before any route looks at it.
        requireStorableJson(req.body, '');
      } catch (problem) {
        return next(problem);
      }
      next();
    });
  };
}
