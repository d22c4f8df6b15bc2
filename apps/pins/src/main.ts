import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { pinsService } from './pins.service-definition';

void runService(pinsService);
