/** Every procedure's handler. A missing one is a type error: add your domain's map here. */
import type { Handlers, StreamHandlers } from '../router';
import { appHandlers, appStreamHandlers } from './app';
import { engineHandlers, engineStreamHandlers } from './engine';

export const handlers: Handlers = {
  ...appHandlers,
  ...engineHandlers,
};

export const streamHandlers: StreamHandlers = {
  ...appStreamHandlers,
  ...engineStreamHandlers,
};
