import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { tokenService } from './token.service-definition';

void runService(tokenService);
