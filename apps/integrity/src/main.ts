import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { integrityService } from './integrity.service-definition';

void runService(integrityService);
