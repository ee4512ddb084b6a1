// The fault matrix (fault-matrix.mts) for the operations that create a room.
import { useSandbox } from '../../support/helpers.mjs';
import { useVirtualClock } from '../../support/clock.mjs';
import { faultMatrix, SECRET_TOKEN } from './fault-matrix.mjs';

useVirtualClock();
const sandbox = useSandbox({ token: SECRET_TOKEN });

faultMatrix(sandbox, ['create', 'createOrGet']);
