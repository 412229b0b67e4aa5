// Progressive enhancement only: every page works without this script.
import { initAll } from './nhsuk-frontend.min.js';

initAll();

// Live updates, on the pages that ask for them (src/platform/realtime/README.md).
if (document.querySelector('[data-live-events]')) import('./live.js');
