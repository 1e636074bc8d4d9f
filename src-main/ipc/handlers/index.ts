/** Every procedure's handler. A missing one is a type error: add your domain's map here. */
import type { Handlers, StreamHandlers } from '../router';
import { appHandlers, appStreamHandlers } from './app';

export const handlers: Handlers = {
  ...appHandlers,
};

export const streamHandlers: StreamHandlers = {
  ...appStreamHandlers,
};
