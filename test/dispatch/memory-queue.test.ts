import { memoryQueue } from '@notiflux/dispatch';
import { describeDeliveryQueue } from './queue-contract.js';

describeDeliveryQueue('memoryQueue', (options) => memoryQueue(options));
