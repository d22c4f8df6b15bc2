import { ApiKeyGuard, ApiRawBody, body, param, query } from '@tessera/service-runtime';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import type { Principal } from '@tessera/access';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Requires } from '../access/principal';
import { lingerThenClose } from '../http/linger-then-close';
import type { RegistrationView } from './registration.view';
import {
  type ApkUploadInput,
  ApkUploadQuery,
  CreateRegistrationBody,
  type CreateRegistrationInput,
  type ListRegistrationsInput,
  ListRegistrationsQuery,
  RegistrationIdParam,
} from './registrations.schemas';
import { RegistrationsService } from './registrations.service';

const registrationId = () => param(RegistrationIdParam, 'registration id');

/** What an APK upload may be sent as. */
export const APK_MEDIA_TYPES = ['application/vnd.android.package-archive', 'application/octet-stream'];

@Controller('v1/registrations')
@UseGuards(ApiKeyGuard)
export class RegistrationsController {
  constructor(@Inject(RegistrationsService) private readonly registrations: RegistrationsService) {}

  @Get()
  @Requires('app:read')
  list(@CurrentPrincipal() principal: Principal, @Query(query(ListRegistrationsQuery)) q: ListRegistrationsInput) {
    return this.registrations.list(principal, q);
  }

  @Post()
  @Requires('app:write')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(body(CreateRegistrationBody)) input: CreateRegistrationInput,
  ): Promise<RegistrationView> {
    return this.registrations.createFromFields(principal, input);
  }

  /**
   * The APK is the raw body, streamed by the service (the JSON body parser leaves these media types alone). After
   * a refusal before the body was read to its end, the rest is dropped for a while and then the connection closed.
   */
  @Post('apk')
  @Requires('app:write')
  @ApiRawBody({
    mediaTypes: APK_MEDIA_TYPES,
    description: 'the APK file; its verified signatures give the build identity (422 with a reason otherwise)',
  })
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Query(query(ApkUploadQuery)) q: ApkUploadInput,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegistrationView> {
    try {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!APK_MEDIA_TYPES.includes(mediaType)) {
        throw new UnsupportedMediaTypeException(`send the APK as ${APK_MEDIA_TYPES.join(' or ')}`);
      }
      return await this.registrations.createFromApk(principal, q, request);
    } catch (error) {
      if (!request.complete) lingerThenClose(request, response);
      throw error;
    }
  }

  @Get(':registrationId')
  @Requires('app:read')
  get(@CurrentPrincipal() principal: Principal, @Param('registrationId', registrationId()) id: string) {
    return this.registrations.get(principal, id);
  }

  @Delete(':registrationId')
  @HttpCode(204)
  @Requires('app:write')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('registrationId', registrationId()) id: string,
  ): Promise<void> {
    await this.registrations.delete(principal, id);
  }
}
