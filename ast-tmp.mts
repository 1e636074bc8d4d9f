import { loadModule, parseSync } from 'libpg-query';
await loadModule();
for (const s of process.argv.slice(2)) console.log(JSON.stringify(parseSync(s).stmts.map((x:any)=>x.stmt)));
