import { testSchemas } from '../helpers/postgres.js';
import { describeCrashPoints } from './crash-points.js';

describeCrashPoints('Postgres', testSchemas(), { replicas: true });
