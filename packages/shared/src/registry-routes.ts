import { z } from 'zod';
import type { ApiRoute } from './api-contract.js';
import {
  ZCreateRegistryRequest,
  ZRegistry,
  ZRegistryAccess,
  ZRegistryTestResult,
  ZRepositoryPage,
  ZRepositoryPageQuery,
  ZTagList,
  ZTagManifest,
  ZUpdateRegistryRequest,
  ZUsableRegistry,
} from './schemas/registries.js';

const TAG = '/api/registries/{id}/repositories/{name}/tags/{tag}' as const;

/** Stored registries: their credentials, a connection test, who may use them, and their contents. */
export const REGISTRY_ROUTES = {
  listRegistries: {
    method: 'get',
    path: '/api/registries',
    tag: 'registries',
    summary: 'Stored registries (never the passwords)',
    access: 'admin',
    response: z.array(ZRegistry),
  },
  listUsableRegistries: {
    method: 'get',
    path: '/api/hosts/{hostId}/registries',
    permission: 'registry.use',
    tag: 'registries',
    summary:
      'The stored registries the caller may pull and push with on this host: name, kind and address, never a login',
    access: 'user',
    response: z.array(ZUsableRegistry),
  },
  createRegistry: {
    method: 'post',
    path: '/api/registries',
    tag: 'registries',
    summary:
      'Store a registry (dockerhub, v2, ghcr, gitlab, quay, ecr) and its login for pulls and pushes',
    access: 'admin',
    body: ZCreateRegistryRequest,
    response: ZRegistry,
    status: 201,
  },
  testNewRegistry: {
    method: 'post',
    path: '/api/registries/test',
    tag: 'registries',
    summary: 'Test a registry before saving it; ok false carries the registry’s own reason',
    access: 'admin',
    body: ZCreateRegistryRequest,
    response: ZRegistryTestResult,
    status: 200,
  },
  testRegistry: {
    method: 'post',
    path: '/api/registries/{id}/test',
    tag: 'registries',
    summary: 'Test a stored registry with its stored login',
    access: 'admin',
    response: ZRegistryTestResult,
    status: 200,
  },
  updateRegistry: {
    method: 'patch',
    path: '/api/registries/{id}',
    tag: 'registries',
    summary: 'Edit a registry; the password is kept unless a new one is given',
    access: 'admin',
    body: ZUpdateRegistryRequest,
    response: ZRegistry,
  },
  removeRegistry: {
    method: 'delete',
    path: '/api/registries/{id}',
    tag: 'registries',
    summary: 'Remove a registry',
    access: 'admin',
    status: 204,
  },
  setRegistryAccess: {
    method: 'put',
    path: '/api/registries/{id}/access',
    tag: 'registries',
    summary:
      'Who may pull and push with the registry’s login (users, teams), optionally only on some hosts',
    access: 'admin',
    body: ZRegistryAccess,
    response: ZRegistry,
  },
  listRegistryRepositories: {
    method: 'get',
    path: '/api/registries/{id}/repositories',
    tag: 'registries',
    summary:
      'Repositories of the registry’s catalog, paged; where it refuses its catalog, those seen on the hosts',
    access: 'admin',
    query: ZRepositoryPageQuery,
    response: ZRepositoryPage,
  },
  listRegistryTags: {
    method: 'get',
    path: '/api/registries/{id}/repositories/{name}/tags',
    tag: 'registries',
    summary: 'Tags of a repository (its name URL-encoded)',
    access: 'admin',
    response: ZTagList,
  },
  inspectRegistryTag: {
    method: 'get',
    path: TAG,
    tag: 'registries',
    summary: 'A tag’s manifest: digest, media type, size, platforms of an index, created, layers',
    access: 'admin',
    response: ZTagManifest,
  },
  deleteRegistryTag: {
    method: 'delete',
    path: TAG,
    tag: 'registries',
    summary: 'Delete the manifest a tag points at, by digest (the registry must allow deletes)',
    access: 'admin',
    status: 204,
  },
} satisfies Record<string, ApiRoute>;
