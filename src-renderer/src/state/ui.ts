/** UI state only (what the server does not own): selection, current screen, panels. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export interface UiState {
  screen: string;
  connectionId: string | null;
  projectDir: string | null;
  selectedVersion: string | null;
  setScreen(screen: string): void;
  setConnection(id: string | null): void;
  setProject(dir: string | null): void;
  selectVersion(version: string | null): void;
}

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      screen: 'connect',
      connectionId: null,
      projectDir: null,
      selectedVersion: null,
      setScreen: (screen) => set({ screen }),
      setConnection: (connectionId) => set({ connectionId }),
      setProject: (projectDir) => set({ projectDir, selectedVersion: null }),
      selectVersion: (selectedVersion) => set({ selectedVersion }),
    }),
    {
      name: 'confiture-ui',
      // connections live in the engine process: only the project folder survives a reload
      partialize: (s) => ({ projectDir: s.projectDir }),
    },
  ),
);
