import { describeOpenApiRoutes } from '../../shared/test/openapi/describe-openapi-routes';
import { createApp } from '../src/app';

describeOpenApiRoutes({ name: 'v1', prefix: '', createApp });
