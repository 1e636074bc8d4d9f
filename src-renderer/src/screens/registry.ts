/**
 * The screens of the app, in navigation order. One screen per file; add yours with one line.
 * `needs` hides a screen's content until a connection and/or project is chosen.
 */
import type { ComponentType } from 'react';
import { ConnectScreen } from './ConnectScreen';
import { ProjectScreen } from './ProjectScreen';
import { MigrationsScreen } from './MigrationsScreen';
import { HooksScreen } from './HooksScreen';
import { RunnerScreen } from './RunnerScreen';
import { RiskScreen } from './RiskScreen';
import { PerfScreen } from './PerfScreen';
import { RulesScreen } from './RulesScreen';
import { SloScreen } from './SloScreen';
import { FleetScreen } from './FleetScreen';

export interface ScreenDef {
  id: string;
  title: string;
  component: ComponentType;
  needs?: ('connection' | 'project')[];
}

export const screens: ScreenDef[] = [
  { id: 'connect', title: 'Connection', component: ConnectScreen },
  { id: 'project', title: 'Project', component: ProjectScreen },
  { id: 'migrations', title: 'Migrations', component: MigrationsScreen, needs: ['project', 'connection'] },
  { id: 'risk', title: 'Risk', component: RiskScreen, needs: ['project'] },
  { id: 'runner', title: 'Runner', component: RunnerScreen, needs: ['project', 'connection'] },
  { id: 'perf', title: 'Performance', component: PerfScreen, needs: ['project'] },
  { id: 'hooks', title: 'Hooks', component: HooksScreen, needs: ['project', 'connection'] },
  { id: 'slo', title: 'SLOs', component: SloScreen, needs: ['project', 'connection'] },
  { id: 'rules', title: 'Lint rules', component: RulesScreen },
  { id: 'fleet', title: 'Fleet', component: FleetScreen, needs: ['project'] },
];
