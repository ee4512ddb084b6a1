// The fault matrix (fault-matrix.mts) for the reads, which are retried after a 5xx.
import { useSandbox } from '../../support/helpers.mjs';
import { useVirtualClock } from '../../support/clock.mjs';
import { faultMatrix, SECRET_TOKEN } from './fault-matrix.mjs';

useVirtualClock();
const sandbox = useSandbox({ token: SECRET_TOKEN });

faultMatrix(sandbox, ['get', 'getAll', 'getStats']);
