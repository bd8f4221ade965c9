import { Global, Module } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { Vault, loadMasterKey } from './vault.js';

@Global()
@Module({
  providers: [
    {
      provide: Vault,
      inject: [CONFIG],
      useFactory: (config: Config) => new Vault(loadMasterKey(config.secretKey, config.dataDir)),
    },
  ],
  exports: [Vault],
})
export class VaultModule {}
