/**
 * Where the page templates (`views/`) and the stylesheet (`assets/`) are read from: beside this
 * module when they were copied next to the build, else in the source tree the build came from
 * (`dist/src/pages` → `src/pages`), which is where `npm start` and the tests find them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const PAGES_DIR = [here, path.resolve(here, '../../../src/pages')].find((dir) => fs.existsSync(path.join(dir, 'views', 'layout.eta'))) ?? here;
export const VIEWS_DIR = path.join(PAGES_DIR, 'views');
export const STYLESHEET = fs.readFileSync(path.join(PAGES_DIR, 'assets', 'pages.css'));
