/** Every procedure's handler. A missing one is a type error: add your domain's map here. */
import type { Handlers, StreamHandlers } from '../router';
import { appHandlers, appStreamHandlers } from './app';
import { engineHandlers, engineStreamHandlers } from './engine';
import { hooksHandlers } from './hooks';
import { perfHandlers, perfStreamHandlers } from './perf';
import { lintHandlers } from './lint';
import { riskHandlers } from './risk';
import { sloHandlers } from './slo';
import { deskHandlers } from './desk';
import { fleetHandlers } from './fleet';

export const handlers: Handlers = {
  ...appHandlers,
  ...engineHandlers,
  ...hooksHandlers,
  ...perfHandlers,
  ...lintHandlers,
  ...riskHandlers,
  ...sloHandlers,
  ...deskHandlers,
  ...fleetHandlers,
};

export const streamHandlers: StreamHandlers = {
  ...appStreamHandlers,
  ...engineStreamHandlers,
  ...perfStreamHandlers,
};
