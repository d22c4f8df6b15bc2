import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { registrationService } from './registration.service-definition';

void runService(registrationService);
