/**
 * Several projects in one database (issue 14 point 10): every tracking row carries the project id
 * (confiture.yaml `project.id`, else derived from the project name), and each project sees only
 * its own applied migrations, drift and history.
 *
 * The derived id follows the name, and the name defaults to the folder's: renaming the folder would
 * silently make every applied migration look pending. So a project with an implicit id and nothing
 * applied is refused when another project id applied the very same files (version and checksum).
 */
import type pg from 'pg';
import { ConfitureError } from '../errors';
import type { Project } from '../project';
import { projectsWithSameMigrations } from '../store';

export async function refuseIfIdChanged(db: Pick<pg.ClientBase, 'query'>, project: Project): Promise<void> {
  if (project.idExplicit) return;
  const others = await projectsWithSameMigrations(
    db,
    project.trackingSchema,
    project.id,
    project.migrations.map((m) => ({ version: m.version, checksum: m.checksum })),
  );
  const other = others[0];
  if (!other) return;
  throw new ConfitureError(
    'project_error',
    `Project id "${project.id}" (derived from the project name "${project.name}") has nothing applied on this database, but project id "${other.project}" applied ${other.count} of these migration files (same version and checksum) here. ` +
      `If that is this project under an earlier name or folder, set \`project: { id: ${other.project} }\` in confiture.yaml; if it is another project sharing the files, set an explicit project.id to keep them apart.`,
    { file: `${project.dir}/confiture.yaml`, field: 'project.id' },
    { otherProject: other.project, sameFiles: other.count },
  );
}
