import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { verifierService } from './verifier.service-definition';

void runService(verifierService);
