import { Injectable } from '@nestjs/common';

/**
 * The time the rotation steps are judged at (planned, published, retired, due): one source, so a test can move it
 * past the wait (`jest.spyOn(app.get(RotationClock), 'now')`) instead of sleeping a config lifetime.
 */
@Injectable()
export class RotationClock {
  now(): Date {
    return new Date();
  }
}
