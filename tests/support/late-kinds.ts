// Unit tests fold every kind from the start, as a page does once the late chunk arrived
// (domain/late-kinds.ts); tests/unit/late-kinds.test.ts folds them before and after it.
import { useLateKinds } from '../../src/lib/domain/fold/board-fold.ts';
import { lateKinds } from '../../src/lib/domain/late-kinds.ts';

useLateKinds(lateKinds);
