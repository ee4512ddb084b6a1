// The fault matrix (fault-matrix.mts) for the operations that create a room.
import { useSandbox } from '../../support/helpers.mjs';
import { faultMatrix, SECRET_TOKEN } from './fault-matrix.mjs';

const sandbox = useSandbox({ token: SECRET_TOKEN });

faultMatrix(sandbox, ['create', 'createOrGet']);
