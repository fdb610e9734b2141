/** Request helpers every FusionAuth route shares. Bodies are validated by the route schemas. */

/** FusionAuth ids are UUIDs; path ids that are not are simply not found. */
export { isUuid } from '../../util/uuid.js';
